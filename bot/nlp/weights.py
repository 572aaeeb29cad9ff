"""Fitted constants of the confidence models. Written by `python -m bench.tune` (dev set only)."""

LEXICAL_WEIGHTS = {
    "cos": -1.629, "cont": 0.373, "union": -2.739, "covered": 1.876, "fuzz": 6.178,
    "partial": -0.318, "keyword": 1.65, "anchor": -1.023, "answer": 14.012, "bm25": 9.195,
    "pre_rank": 0.17, "missing": -2.155, "length": 3.074, "foreign": 0.177, "density": -2.135,
}
LEXICAL_BIAS = -4.608
SEMANTIC_WEIGHTS = {
    "cos": -3.064, "cont": 1.015, "union": -4.299, "covered": 3.196, "fuzz": 2.202,
    "partial": -0.655, "keyword": 0.931, "anchor": -0.794, "answer": 13.288, "bm25": 6.816,
    "pre_rank": -0.042, "missing": -1.728, "length": 1.914, "foreign": 1.02, "density": -1.923,
    "emb": 14.383, "emb_rel": 13.871, "passage": 5.094, "passage_rel": 5.344, "emb_z": -0.058,
    "passage_z": 0.282, "emb_rank": 0.187, "passage_rank": 0.439, "sentence": 10.14,
    "sentence_rel": 11.045, "sentence_z": 0.245, "emb_best": -18.483, "offtopic_sim": -40.937,
    "offtopic_gap": 22.454,
}
SEMANTIC_BIAS = 23.21
SURE = 0.999
# Used only until the installed knowledge base's self-test is done.
DEFAULT_ANSWER, DEFAULT_SUGGEST, DEFAULT_MARGIN = 0.7, 0.18, 1.3
