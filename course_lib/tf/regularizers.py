"""keras.regularizers with TF ops (being written)."""
