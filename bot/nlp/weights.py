"""Fitted constants of the confidence models. Written by `python -m bench.tune` (dev set only)."""

LEXICAL_WEIGHTS = {
    "cos": -0.328, "cont": -0.635, "union": 0.289, "covered": -0.058, "fuzz": 6.696,
    "partial": -0.148, "keyword": 1.479, "anchor": -0.12, "answer": 12.434, "bm25": 7.701,
    "pre_rank": 0.246, "missing": -2.355, "length": 3.258, "foreign": 0.723, "density": -1.472,
}
LEXICAL_BIAS = -4.915
SEMANTIC_WEIGHTS = {
    "cos": -2.686, "cont": 0.899, "union": -0.481, "covered": 0.327, "fuzz": 2.375,
    "partial": -0.599, "keyword": 0.813, "anchor": -0.044, "answer": 9.054, "bm25": 5.644,
    "pre_rank": -0.025, "missing": -2.069, "length": 0.921, "foreign": 1.171, "density": -1.23,
    "emb": 11.908, "emb_rel": 11.187, "passage": 8.532, "passage_rel": 9.182, "emb_z": -0.069,
    "passage_z": 0.264, "emb_rank": 0.397, "passage_rank": 0.147, "sentence": 13.192,
    "sentence_rel": 14.91, "sentence_z": 0.192, "emb_best": -13.532, "offtopic_sim": -37.913,
    "offtopic_gap": 24.381, "breaker": 1.85,
}
SEMANTIC_BIAS = 14.108
SURE = 0.995
# Used only until the installed knowledge base's self-test is done.
DEFAULT_ANSWER, DEFAULT_SUGGEST, DEFAULT_MARGIN = 0.58, 0.17, 1.6
