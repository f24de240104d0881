"""keras.metrics with TF ops (being written)."""
