package netdumplings.kitchen.internal;

import java.lang.annotation.Annotation;

/** A mutable {@link KitchenConfiguration} with the OCD's defaults, for tests. */
class TestKitchenConfiguration implements KitchenConfiguration {
    String name = "default_kitchen";
    String iface = "all";
    String filter = "tcp or udp or arp";
    double poke = 5.0;
    String hub = "localhost:11347";
    String pcap = "";
    double speed = 1.0;
    double maxGap = 5.0;
    int loop = 1;
    int snaplen = 65535;

    @Override public Class<? extends Annotation> annotationType() { return KitchenConfiguration.class; }
    @Override public String kitchen__name() { return name; }
    @Override public String interface$() { return iface; }
    @Override public String filter() { return filter; }
    @Override public double poke__interval() { return poke; }
    @Override public String hub() { return hub; }
    @Override public String hub__token() { return ""; }
    @Override public String[] chefs() { return new String[0]; }
    @Override public String[] chef__modules() { return new String[0]; }
    @Override public String pcap() { return pcap; }
    @Override public double speed() { return speed; }
    @Override public double max__gap() { return maxGap; }
    @Override public int loop() { return loop; }
    @Override public int snaplen() { return snaplen; }
    @Override public boolean promiscuous() { return false; }
    @Override public boolean fallback__to__sample() { return false; }
    @Override public String webconsole_configurationFactory_nameHint() { return "kitchen {kitchen_name}"; }
}
