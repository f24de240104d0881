"""keras.constraints with TF ops (being written)."""
