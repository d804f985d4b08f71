"""CloudWatch as the simulator answers it: the metrics of every benchmark and deployed endpoint."""
