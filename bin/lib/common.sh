# Shared by the launchers in bin/: where things are, one-line errors, and writing
# Config Admin files (Felix .config format) for File Install to pick up.
# shellcheck shell=bash

ND_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ND_PROG="$(basename "$0")"

# One line on stderr and a non-zero exit: never a stack trace.
die() {
    echo "$ND_PROG: $*" >&2
    exit "${ND_EXIT:-2}"
}

# The Java every runtime and tool needs (the kitchen calls libpcap through the Foreign
# Function & Memory API): a Java 25 or newer from JAVA_HOME, the PATH or /usr/lib/jvm,
# exported as JAVA_HOME and first on the PATH, so that `java` and `mvn` below use it.
ND_JAVA_FEATURE=25

java_feature() { # java home: prints its feature version (25 for 25.0.3), from its release file
    local v
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null) || true
    if [[ -z $v && -x $1/bin/java ]]; then # no release file: ask the JVM itself
        v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 |
            sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
    fi
    printf '%s' "${v:-0}"
}

select_java() {
    local candidates=() home j
    [[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME")
    if j=$(command -v java 2>/dev/null); then
        candidates+=("$(dirname "$(dirname "$(readlink -f "$j")")")")
    fi
    # Newest first: version-sorted names, reversed.
    while IFS= read -r home; do candidates+=("$home"); done < <(
        compgen -G "/usr/lib/jvm/*" | sort -V -r)
    for home in "${candidates[@]}"; do
        if [[ -x $home/bin/java ]] && (($(java_feature "$home") >= ND_JAVA_FEATURE)); then
            export JAVA_HOME=$home
            export PATH="$home/bin:$PATH"
            return 0
        fi
    done
    return 1
}

require_java() {
    select_java || die "needs Java $ND_JAVA_FEATURE or newer (none in JAVA_HOME, on the PATH or under /usr/lib/jvm): install one, e.g. Temurin 25 (apt-get install temurin-25-jdk from packages.adoptium.net) or openjdk-25-jdk, or set JAVA_HOME to it"
}

usage_error() {
    echo "$ND_PROG: $* (see $ND_PROG --help)" >&2
    exit 2
}

need_value() { # flag value-count
    [[ $2 -ge 2 ]] || usage_error "option $1 needs a value"
}

need_jar() { # path relative to the repository root
    [[ -f "$ND_ROOT/$1" ]] || die "$1 is not built yet: run bin/setup first"
}

check_port() { # flag value
    [[ $2 =~ ^[0-9]+$ ]] && (($2 >= 1 && $2 <= 65535)) || usage_error "$1 must be a port from 1 to 65535, not '$2'"
}

check_seconds() { # flag value
    [[ $2 =~ ^[0-9]*\.?[0-9]+$ ]] && [[ ! $2 =~ ^0*\.?0*$ ]] || usage_error "$1 must be a positive number of seconds, not '$2'"
}

check_number() { # flag value (>= 0)
    [[ $2 =~ ^[0-9]*\.?[0-9]+$ ]] || usage_error "$1 must be a number >= 0, not '$2'"
}

check_count() { # flag value (integer >= 0)
    [[ $2 =~ ^[0-9]+$ ]] || usage_error "$1 must be a whole number >= 0, not '$2'"
}

check_host_port() { # flag value: HOST:PORT, optionally as ws://HOST:PORT or wss://HOST:PORT
    [[ $2 =~ ^(wss?://)?[^:/[:space:]]+:[0-9]+/?$ ]] || usage_error "$1 must be HOST:PORT (or ws:// or wss://HOST:PORT), not '$2'"
    local port=${2%/}
    check_port "$1" "${port##*:}"
}

absolute_file() { # flag path [what]: prints the absolute path of a readable file
    [[ -f $2 && -r $2 ]] || die "cannot read ${3:-capture file} '$2': no such readable file"
    (cd "$(dirname "$2")" && echo "$(pwd)/$(basename "$2")")
}

# Secrets come from files, never from the command line (which `ps` shows to everyone).
read_secret() { # flag path: prints the file's first line
    [[ -f $2 && -r $2 ]] || die "$1: cannot read '$2': no such readable file"
    local line=""
    IFS= read -r line <"$2" || true
    line=${line%$'\r'}
    [[ -n $line ]] || die "$1: '$2' is empty; its first line must hold the secret"
    printf '%s' "$line"
}

# Writes stdin to a configuration file readable by its owner only (it may hold secrets),
# replacing it in one step so that File Install never reads half a file.
write_private() { # path
    local tmp
    tmp=$(mktemp "$(dirname "$(dirname "$1")")/.config.XXXXXX")
    cat >"$tmp"
    mv -f "$tmp" "$1"
}

# Felix .config values: strings are quoted with every non-alphanumeric character escaped.
# Numbers with a fraction are written as strings too: the format's D"..." holds the raw
# bits of a double, not its decimal text, and DS converts a string to the double a
# configuration field asks for.
config_string() {
    local s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        if [[ $c =~ [A-Za-z0-9] ]]; then out+=$c; else out+="\\$c"; fi
    done
    printf '"%s"' "$out"
}

config_strings() { # values...: a String[]
    local out="[" sep="" v
    for v in "$@"; do
        out+="$sep$(config_string "$v")"
        sep=","
    done
    printf '%s]' "$out"
}

# Java options every runtime gets; $1 names the runtime (all, hub, sniff), whose
# framework state lives in run/$1/felix-cache. JAVA_OPTS from the environment is added.
java_opts() {
    # The bnd launcher takes the framework storage from this system property only (a
    # -runproperties value is overridden by its own working directory).
    local opts=(-Dorg.osgi.framework.storage="$ND_ROOT/run/$1/felix-cache"
        -Dnetdumplings.exit.on.failure=true
        # slf4j-simple: timestamps, and only warnings from the libraries' chatter.
        -Dorg.slf4j.simpleLogger.showDateTime=true
        -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS
        -Dorg.slf4j.simpleLogger.log.org.pcap4j=warn
        -Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=warn
        # The Web Console warns about its own bundled plugins still using javax.servlet.
        -Dorg.slf4j.simpleLogger.log.org.apache.felix.webconsole=error
        -Djava.util.logging.config.file="$ND_ROOT/bin/lib/logging.properties")
    # The bnd launcher creates ~/.bnd: give a user without a writable home (a service
    # account) one inside the checkout.
    if [[ ! -w ${HOME:-/nonexistent} ]]; then
        opts+=(-Duser.home="$ND_ROOT/run")
    fi
    # libpcap through FFM, and JNA (pcap4j's packet parsing), need native access; the
    # runtimes' code sits on the class path of the bnd launcher's class loaders.
    opts+=(--enable-native-access=ALL-UNNAMED)
    # shellcheck disable=SC2206
    opts+=(${JAVA_OPTS:-})
    printf '%s\n' "${opts[@]}"
}

# One runtime of a kind per checkout: two would share run/$1 (framework storage and the
# configuration files File Install writes back). The lock is held by the runtime's JVM,
# which inherits the descriptor, for as long as it runs.
lock_runtime() {
    mkdir -p "$ND_ROOT/run/$1"
    exec {ND_LOCK_FD}>"$ND_ROOT/run/$1/.lock"
    flock -n "$ND_LOCK_FD" || ND_EXIT=1 die "another $ND_PROG runtime is already running from this checkout (run/$1)"
}

# Wait until something listens on HOST:PORT (bash's /dev/tcp), at most $3 seconds.
wait_for_port() {
    local deadline=$((SECONDS + $3))
    while ((SECONDS < deadline)); do
        if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

# Runs a command-line eater of netdumplings.eater (class name in .internal.cli) in place
# of this shell. Whether stdout is a terminal (colour, lines rewritten in place) is the
# shell's to say: on Java 22+ System.console() exists even when output goes to a pipe.
run_eater() { # class args...
    [[ -d "$ND_ROOT/netdumplings.eater/target/lib" ]] || die "netdumplings.eater is not built yet: run bin/setup first"
    local terminal=false class=$1
    shift
    [[ -t 1 ]] && terminal=true
    exec java -Dnetdumplings.stdout.terminal=$terminal -cp "$ND_ROOT/netdumplings.eater/target/lib/*" \
        "netdumplings.eater.internal.cli.$class" "$@"
}

# Every script that sources this runs Java: find it now (bin/setup sets ND_JAVA_LATER
# to install the system packages first).
[[ -n ${ND_JAVA_LATER:-} ]] || require_java
