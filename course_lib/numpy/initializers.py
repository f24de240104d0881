"""keras.initializers in NumPy (being written)."""
