"""Fitted constants of the confidence models. Written by `python -m bench.tune` (dev set only)."""

LEXICAL_WEIGHTS = {
    "cos": -1.273, "cont": 0.003, "union": -0.414, "covered": 0.389, "fuzz": 6.899,
    "partial": -0.132, "keyword": 1.523, "anchor": -0.513, "answer": 11.514, "bm25": 8.954,
    "pre_rank": 0.131, "missing": -2.287, "length": 3.014, "foreign": 0.926, "density": -1.807,
}
LEXICAL_BIAS = -4.896
SEMANTIC_WEIGHTS = {
    "cos": -2.574, "cont": 0.849, "union": -0.847, "covered": 0.523, "fuzz": 2.344,
    "partial": -0.446, "keyword": 0.873, "anchor": -0.309, "answer": 9.144, "bm25": 6.209,
    "pre_rank": -0.045, "missing": -1.945, "length": 0.799, "foreign": 1.369,
    "density": -1.374, "emb": 11.3, "emb_rel": 10.647, "passage": 8.338, "passage_rel": 8.971,
    "emb_z": -0.053, "passage_z": 0.273, "emb_rank": 0.346, "passage_rank": 0.134,
    "sentence": 12.629, "sentence_rel": 14.357, "sentence_z": 0.175, "emb_best": -13.51,
    "offtopic_sim": -37.445, "offtopic_gap": 23.935,
}
SEMANTIC_BIAS = 14.718
SURE = 0.999
# Used only until the installed knowledge base's self-test is done.
DEFAULT_ANSWER, DEFAULT_SUGGEST, DEFAULT_MARGIN = 0.58, 0.19, 1.5
