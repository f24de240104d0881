"""keras.activations with TF ops (being written)."""
