package netdumplings.chefkit;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * Makes an instance of a chef's configuration annotation type (the one its
 * {@code @Designate} names), as Declarative Services would from Config Admin: every
 * attribute its declared default unless given. Defaults so stay where they are defined,
 * in the annotation, and a test names only what it changes, by the property name a
 * {@code .cfg} file uses (method {@code max__hosts()} is property {@code max_hosts}, OSGi
 * Compendium 112.8.2.2) or by the method's name.
 *
 * <pre>{@code
 * MyChef chef = new MyChef(Configurations.of(MyChef.Config.class, "max_hosts", 3));
 * }</pre>
 *
 * @since 1.1
 */
public final class Configurations {

    private Configurations() {
    }

    /**
     * @param <A>            the configuration type
     * @param type           an annotation type whose attributes all have defaults, or are given
     * @param namesAndValues property (or method) names and values, alternately; a value must be
     *                       of the attribute's type (boxed)
     * @return the configuration
     * @throws IllegalArgumentException for an unknown name, a value of the wrong type, an odd
     *                                  count, or an attribute with neither default nor value
     */
    public static <A extends Annotation> A of(Class<A> type, Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must alternate: " + namesAndValues.length + " given");
        }
        Map<String, Object> values = new HashMap<>();
        for (Method m : type.getDeclaredMethods()) {
            if (m.getDefaultValue() != null) {
                values.put(m.getName(), m.getDefaultValue());
            }
        }
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = (String) namesAndValues[i];
            Method m = null;
            for (Method candidate : type.getDeclaredMethods()) {
                if (candidate.getName().equals(name) || propertyName(candidate.getName()).equals(name)) {
                    m = candidate;
                }
            }
            if (m == null) {
                throw new IllegalArgumentException(type.getSimpleName() + " has no property " + name);
            }
            Object value = namesAndValues[i + 1];
            Class<?> wanted = m.getReturnType().isPrimitive() ? boxed(m.getReturnType()) : m.getReturnType();
            if (!wanted.isInstance(value)) {
                throw new IllegalArgumentException(name + " is a " + m.getReturnType().getSimpleName() + ", not " + value);
            }
            values.put(m.getName(), value);
        }
        for (Method m : type.getDeclaredMethods()) {
            if (!values.containsKey(m.getName())) {
                throw new IllegalArgumentException(type.getSimpleName() + "." + m.getName() + " has no default: give it");
            }
        }
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "annotationType" -> type;
                    case "hashCode" -> values.hashCode();
                    case "equals" -> proxy == args[0];
                    case "toString" -> "@" + type.getName() + values;
                    default -> values.get(method.getName());
                }));
    }

    /**
     * @param method an attribute method's name
     * @return its property name: {@code __} is {@code _}, {@code _} is {@code .}, {@code $$}
     *         is {@code $}, {@code $_$} is {@code -}, another {@code $} is dropped
     */
    static String propertyName(String method) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c == '_') {
                boolean twice = method.startsWith("__", i);
                name.append(twice ? '_' : '.');
                i += twice ? 1 : 0;
            } else if (c == '$') {
                if (method.startsWith("$$", i)) {
                    name.append('$');
                    i++;
                } else if (method.startsWith("$_$", i)) {
                    name.append('-');
                    i += 2;
                }
            } else {
                name.append(c);
            }
        }
        return name.toString();
    }

    private static Class<?> boxed(Class<?> primitive) {
        return java.lang.invoke.MethodType.methodType(primitive).wrap().returnType();
    }
}
