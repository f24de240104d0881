"""keras.initializers with TF ops (being written)."""
