"""Application Auto Scaling as the simulator answers it: scalable targets and policies of endpoint variants."""
