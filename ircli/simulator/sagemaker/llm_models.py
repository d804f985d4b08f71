"""What the simulator knows of an LLM from where its weights are: its architecture (Hugging Face
`config.json` fields) and so its parameter count, the bytes of its weights and of its KV cache per token.

How it knows, in order:
1. a `config.json` under the model's S3 prefix in the simulator's own S3 (`ircli.simulator.objects`), read as
   Hugging Face writes it (num_hidden_layers, hidden_size, num_attention_heads, num_key_value_heads,
   head_dim, intermediate_size, vocab_size, max_position_embeddings, tie_word_embeddings,
   num_local_experts / num_experts_per_tok for a mixture of experts);
2. a known model named in the URI (an HF id such as `meta-llama/Llama-3.1-8B-Instruct`, matched without
   regard to case, `.` or `_`: `s3://bucket/llama-3-1-8b-instruct/` names it too), with the figures of its
   published `config.json` below;
3. otherwise an 8B model with Llama-3.1-8B's architecture, and the answer says so.
Weights are BF16/FP16 (2 bytes a parameter), as HuggingFace SafeTensors checkpoints of these models are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

DTYPE_BYTES = 2


@dataclass(frozen=True)
class LlmSpec:
    name: str
    layers: int
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    intermediate: int
    vocab: int
    max_context: int
    tied_embeddings: bool = False
    experts: int = 1
    experts_per_token: int = 1
    source: str = ""  # how the simulator knows

    def _layer_params(self, experts: int) -> float:
        attention = self.hidden * self.heads * self.head_dim * 2 + self.hidden * self.kv_heads * self.head_dim * 2
        return attention + 3 * self.hidden * self.intermediate * experts

    @property
    def embedding_params(self) -> float:
        return self.vocab * self.hidden * (1 if self.tied_embeddings else 2)

    @property
    def params(self) -> float:
        """Every parameter (what the weights take in memory)."""
        return self.layers * self._layer_params(self.experts) + self.embedding_params

    @property
    def active_params(self) -> float:
        """The parameters one token passes through (all of them unless a mixture of experts)."""
        return self.layers * self._layer_params(self.experts_per_token) + self.embedding_params

    @property
    def weight_bytes(self) -> float:
        return self.params * DTYPE_BYTES

    @property
    def kv_bytes_per_token(self) -> float:
        """Keys and values of every layer for one token."""
        return 2 * self.layers * self.kv_heads * self.head_dim * DTYPE_BYTES


# Figures from each model's published config.json on the Hugging Face Hub.
KNOWN: dict[str, LlmSpec] = {
    "meta-llama/Llama-3.2-1B": LlmSpec("meta-llama/Llama-3.2-1B", 16, 2048, 32, 8, 64, 8192, 128256, 131072, True),
    "meta-llama/Llama-3.2-3B": LlmSpec("meta-llama/Llama-3.2-3B", 28, 3072, 24, 8, 128, 8192, 128256, 131072, True),
    "meta-llama/Llama-3.1-8B": LlmSpec("meta-llama/Llama-3.1-8B", 32, 4096, 32, 8, 128, 14336, 128256, 131072),
    "meta-llama/Llama-3.1-70B": LlmSpec("meta-llama/Llama-3.1-70B", 80, 8192, 64, 8, 128, 28672, 128256, 131072),
    "meta-llama/Llama-2-7b": LlmSpec("meta-llama/Llama-2-7b", 32, 4096, 32, 32, 128, 11008, 32000, 4096),
    "meta-llama/Llama-2-13b": LlmSpec("meta-llama/Llama-2-13b", 40, 5120, 40, 40, 128, 13824, 32000, 4096),
    "meta-llama/Llama-2-70b": LlmSpec("meta-llama/Llama-2-70b", 80, 8192, 64, 8, 128, 28672, 32000, 4096),
    "mistralai/Mistral-7B": LlmSpec("mistralai/Mistral-7B", 32, 4096, 32, 8, 128, 14336, 32768, 32768),
    "mistralai/Mixtral-8x7B": LlmSpec("mistralai/Mixtral-8x7B", 32, 4096, 32, 8, 128, 14336, 32000, 32768, False, 8, 2),
    "Qwen/Qwen2.5-7B": LlmSpec("Qwen/Qwen2.5-7B", 28, 3584, 28, 4, 128, 18944, 152064, 32768),
    "Qwen/Qwen2.5-72B": LlmSpec("Qwen/Qwen2.5-72B", 80, 8192, 64, 8, 128, 29568, 152064, 32768),
}
DEFAULT = replace(KNOWN["meta-llama/Llama-3.1-8B"], name="8B (default)")


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower())


# Each known model's name as a pattern over a normalised URI: `llama-2-7b` must not match `llama-2-70b`.
_PATTERNS = [
    (re.compile(rf"(^|-){re.escape(_normal(name.split('/')[1]))}($|-)"), name)
    for name in sorted(KNOWN, key=lambda n: -len(n))
]


def from_config(config: dict[str, Any], where: str) -> LlmSpec:
    """A model from its Hugging Face config.json (KeyError or ValueError when it lacks what is needed)."""
    heads = int(config["num_attention_heads"])
    hidden = int(config["hidden_size"])
    return LlmSpec(
        name=str(config.get("_name_or_path") or where),
        layers=int(config["num_hidden_layers"]),
        hidden=hidden,
        heads=heads,
        kv_heads=int(config.get("num_key_value_heads", heads)),
        head_dim=int(config.get("head_dim") or hidden // heads),
        intermediate=int(config["intermediate_size"]),
        vocab=int(config["vocab_size"]),
        max_context=int(config.get("max_position_embeddings", 4096)),
        tied_embeddings=bool(config.get("tie_word_embeddings", False)),
        experts=int(config.get("num_local_experts", 1)),
        experts_per_token=int(config.get("num_experts_per_tok", 1)),
        source=f"config.json at {where}",
    )


def identify(uri: str, config: dict[str, Any] | None = None) -> LlmSpec:
    """The model at `uri`: from its config.json when the simulator holds one, else by name, else 8B."""
    if isinstance(config, dict):
        try:
            return from_config(config, uri.rstrip("/") + "/config.json")
        except (KeyError, TypeError, ValueError):
            pass  # a config.json without an architecture: the name may still say
    normal = _normal(uri)
    for pattern, name in _PATTERNS:
        if pattern.search(normal):
            return replace(KNOWN[name], source=f"known model {name} named in {uri} (its published config.json)")
    return replace(DEFAULT, source=f"nothing in {uri} names a known model: an 8B model (Llama-3.1-8B's architecture)")
