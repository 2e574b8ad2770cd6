"""Turn passages and questions into unit vectors with a sentence-transformers model."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from index.model import DEFAULT_MODEL, load_model, model_prompts

BATCH_SIZE = 32
# Texts are encoded in slices this big so a progress bar can move between them.
PROGRESS_SLICE = 256


@dataclass(frozen=True)
class ModelInfo:
    """What an index records about the model that made its vectors."""
    name: str
    dim: int
    query_prompt: str
    passage_prompt: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class Embedder:
    """One loaded model plus the prompts it expects for questions and passages."""

    def __init__(self, name: str = DEFAULT_MODEL) -> None:
        self.model = load_model(name)
        prompts = model_prompts(self.model)
        self.info = ModelInfo(
            name=name,
            dim=int(_dimension(self.model)),
            query_prompt=prompts["query"],
            passage_prompt=prompts["passage"],
        )

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for a passage, prompt and special tokens included."""
        return len(self.model.tokenizer(self.info.passage_prompt + text)["input_ids"])

    def passages(self, texts: Sequence[str], on_progress: Callable[[int], None] | None = None) -> np.ndarray:
        out = np.empty((len(texts), self.info.dim), dtype=np.float32)
        for lo in range(0, len(texts), PROGRESS_SLICE):
            batch = list(texts[lo:lo + PROGRESS_SLICE])
            out[lo:lo + len(batch)] = self._encode(batch, self.info.passage_prompt)
            if on_progress:
                on_progress(len(batch))
        return out

    def query(self, text: str) -> np.ndarray:
        return self._encode([text], self.info.query_prompt)[0]

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.empty((0, self.info.dim), dtype=np.float32)
        # sentence-transformers already sorts each call's texts by length, so batches hold
        # similar lengths and little padding is computed.
        vectors = self.model.encode(texts, prompt=prompt, batch_size=BATCH_SIZE,
                                    normalize_embeddings=True, convert_to_numpy=True,
                                    show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


def _dimension(model) -> int:
    # sentence-transformers 6 renamed the method; older releases only have the old name.
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return getter()
