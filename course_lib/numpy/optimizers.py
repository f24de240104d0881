"""keras.optimizers in NumPy (being written)."""
