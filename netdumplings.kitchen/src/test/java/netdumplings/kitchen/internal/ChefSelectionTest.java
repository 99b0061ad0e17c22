package netdumplings.kitchen.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChefSelectionTest {

    private final RecordingChef chef = new RecordingChef("Recorder");

    @Test
    void noSelectionFeedsEveryChef() {
        assertTrue(ChefSelection.of(new String[0], new String[0]).selects(chef, "any.bundle"));
        assertTrue(ChefSelection.of(new String[] {""}, new String[] {" "}).selects(chef, null), "blanks ignored");
    }

    @Test
    void chefsMatchNameClassNameOrSimpleName() {
        assertTrue(ChefSelection.of(new String[] {"Recorder"}, new String[0]).selects(chef, null));
        assertTrue(ChefSelection.of(new String[] {RecordingChef.class.getName()}, new String[0]).selects(chef, null));
        assertTrue(ChefSelection.of(new String[] {"RecordingChef"}, new String[0]).selects(chef, null));
        assertFalse(ChefSelection.of(new String[] {"ARPChef"}, new String[0]).selects(chef, null));
    }

    @Test
    void modulesMatchBundleOrPackage() {
        assertTrue(ChefSelection.of(new String[0], new String[] {"my.chefs"}).selects(chef, "my.chefs"));
        assertTrue(ChefSelection.of(new String[0], new String[] {"netdumplings.kitchen.internal"}).selects(chef, "x"));
        assertFalse(ChefSelection.of(new String[0], new String[] {"chefs.examples"}).selects(chef, "my.chefs"));
        assertFalse(ChefSelection.of(new String[] {"Recorder"}, new String[] {"chefs.examples"}).selects(chef, "x"));
    }
}
