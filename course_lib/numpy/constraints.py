"""keras.constraints in NumPy (being written)."""
