"""keras.regularizers in NumPy (being written)."""
