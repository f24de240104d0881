"""keras.activations in NumPy (being written)."""
