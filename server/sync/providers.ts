// Loads the provider adapters, which register themselves: the only way the engine reaches them.
import "../providers/index.js";
