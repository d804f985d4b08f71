"""The GPU catalog the LLM performance model reads: per GPU model its dense FP16/BF16 tensor throughput,
memory bandwidth and the link between the GPUs of one instance; per instance type (from ircli's instance
catalog, `ircli/lib/catalog.json`) how many GPUs, how much memory each, the host's memory and the price.

Sources, per GPU (NVIDIA's datasheets; dense figures, i.e. without structured sparsity):
- V100 SXM2: 125 TFLOPS FP16 tensor, 900 GB/s HBM2; NVLink 2, 300 GB/s per GPU (p3.8xlarge, p3.16xlarge).
- A10G: AWS's A10 variant; NVIDIA's A10 datasheet: 125 TFLOPS FP16 tensor, 600 GB/s GDDR6; PCIe Gen4 x16.
- L4: 121 TFLOPS FP16 tensor, 300 GB/s GDDR6; PCIe Gen4 x16.
- L40S: 362 TFLOPS FP16 tensor, 864 GB/s GDDR6; PCIe Gen4 x16.
- A100 SXM4: 312 TFLOPS, 1,555 GB/s (40 GB, p4d) or 2,039 GB/s (80 GB, p4de); NVLink 3, 600 GB/s.
- H100 SXM5: 989 TFLOPS, 3,350 GB/s HBM3; NVLink 4, 900 GB/s. H200: the same compute, 4,800 GB/s HBM3e.
- B200: 2,250 TFLOPS FP16 dense, 8,000 GB/s HBM3e; NVLink 5, 1,800 GB/s.
- RTX PRO 6000 Blackwell Server Edition (g7e): 1,597 GB/s GDDR7 (datasheet); its dense FP16 tensor figure
  is not stated in a form ircli can cite: 500 TFLOPS is ircli's estimate. PCIe Gen5 x16.
- RTX PRO 4500 Blackwell (g7): 896 GB/s GDDR7 (datasheet); 200 TFLOPS dense FP16 is ircli's estimate.
PCIe links: Gen4 x16 moves about 25 GB/s each way in practice (32 GB/s raw), Gen5 about 50 GB/s.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ircli.lib.catalog import instance


@dataclass(frozen=True)
class Gpu:
    name: str
    tflops: float  # dense FP16/BF16 tensor TFLOPS
    bandwidth_gbs: float  # memory bandwidth, GB/s
    link_gbs: float  # GPU-to-GPU bandwidth within the instance, GB/s each way
    link_latency_us: float  # one all-reduce's fixed cost (NCCL over NVLink ~10 us, over PCIe ~25 us)
    nvlink: bool


GPUS: dict[str, Gpu] = {
    "V100": Gpu("V100", 125.0, 900.0, 300.0, 10.0, True),
    "A10G": Gpu("A10G", 125.0, 600.0, 25.0, 25.0, False),
    "L4": Gpu("L4", 121.0, 300.0, 25.0, 25.0, False),
    "L40S": Gpu("L40S", 362.0, 864.0, 25.0, 25.0, False),
    "A100": Gpu("A100", 312.0, 1555.0, 600.0, 10.0, True),
    "A100-80GB": Gpu("A100-80GB", 312.0, 2039.0, 600.0, 10.0, True),
    "H100": Gpu("H100", 989.0, 3350.0, 900.0, 8.0, True),
    "H200": Gpu("H200", 989.0, 4800.0, 900.0, 8.0, True),
    "B200": Gpu("B200", 2250.0, 8000.0, 1800.0, 6.0, True),
    "RTX PRO Server 6000": Gpu("RTX PRO Server 6000", 500.0, 1597.0, 50.0, 20.0, False),
    "RTX PRO 4500": Gpu("RTX PRO 4500", 200.0, 896.0, 50.0, 20.0, False),
}


@dataclass(frozen=True)
class GpuInstance:
    instance_type: str
    gpu: Gpu
    count: int
    memory_gib: float  # per GPU, as EC2 reports it
    host_memory_gib: float
    vcpu: int
    price_per_hour: float
    price_source: str


@cache
def gpu_instance(instance_type: str) -> GpuInstance | None:
    """The instance type's GPUs, or None for a type without NVIDIA GPUs in the catalog."""
    try:
        record = instance(instance_type)
    except KeyError:
        return None
    accelerator = record.get("accelerator") or {}
    name = accelerator.get("name")
    if accelerator.get("kind") != "gpu" or name not in GPUS:
        return None
    count = int(accelerator["count"])
    per_gpu = float(accelerator["memory_gib"]) / count
    gpu = GPUS["A100-80GB"] if name == "A100" and per_gpu > 60 else GPUS[name]
    return GpuInstance(
        instance_type=instance_type,
        gpu=gpu,
        count=count,
        memory_gib=per_gpu,
        host_memory_gib=float(record["memory_gib"]),
        vcpu=int(record["vcpu"]),
        price_per_hour=float(record["price_per_hour"]),
        price_source=str(record["price_source"]),
    )
