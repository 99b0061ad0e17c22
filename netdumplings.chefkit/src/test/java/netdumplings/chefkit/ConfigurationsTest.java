package netdumplings.chefkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ConfigurationsTest {

    @interface Config {
        int max__hosts() default 64;

        String kitchen_name() default "k";

        boolean enabled();
    }

    @Test
    void defaultsUnlessGivenByPropertyOrMethodName() {
        Config c = Configurations.of(Config.class, "enabled", true, "max_hosts", 5);
        assertEquals(5, c.max__hosts());
        assertEquals("k", c.kitchen_name());
        assertEquals(true, c.enabled());
        assertEquals(7, Configurations.of(Config.class, "enabled", false, "max__hosts", 7).max__hosts());
        assertEquals("x", Configurations.of(Config.class, "enabled", false, "kitchen.name", "x").kitchen_name());
    }

    @Test
    void refusesWhatDeclarativeServicesWouldNotMake() {
        assertThrows(IllegalArgumentException.class, () -> Configurations.of(Config.class), "enabled has no default");
        assertThrows(IllegalArgumentException.class, () -> Configurations.of(Config.class, "enabled", true, "nope", 1));
        assertThrows(IllegalArgumentException.class, () -> Configurations.of(Config.class, "enabled", "yes"));
        assertThrows(IllegalArgumentException.class, () -> Configurations.of(Config.class, "enabled"));
    }

    @Test
    void propertyNamesAsTheCompendiumMapsThem() {
        assertEquals("max_hosts", Configurations.propertyName("max__hosts"));
        assertEquals("a.b", Configurations.propertyName("a_b"));
        assertEquals("a$b", Configurations.propertyName("a$$b"));
        assertEquals("a-b", Configurations.propertyName("a$_$b"));
        assertEquals("ab", Configurations.propertyName("a$b"));
    }
}
