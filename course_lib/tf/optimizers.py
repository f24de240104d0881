"""keras.optimizers with TF ops (being written)."""
