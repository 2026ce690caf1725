# Hypervisor image rules (boot/, kernel/, drivers/, ipvmm/).
