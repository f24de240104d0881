"""keras.metrics in NumPy (being written)."""
