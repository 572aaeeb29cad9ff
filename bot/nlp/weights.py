"""Fitted constants of the confidence models. Written by `python -m bench.tune` (dev set only)."""

LEXICAL_WEIGHTS = {
    "cos": -0.328, "cont": -0.635, "union": 0.289, "covered": -0.058, "fuzz": 6.696,
    "partial": -0.148, "keyword": 1.479, "anchor": -0.12, "answer": 12.434, "bm25": 7.701,
    "pre_rank": 0.246, "missing": -2.355, "length": 3.258, "foreign": 0.723, "density": -1.472,
}
LEXICAL_BIAS = -4.915
SEMANTIC_WEIGHTS = {
    "cos": -2.71, "cont": 0.908, "union": -0.49, "covered": 0.339, "fuzz": 2.379,
    "partial": -0.599, "keyword": 0.81, "anchor": -0.044, "answer": 9.062, "bm25": 5.659,
    "pre_rank": -0.026, "missing": -2.07, "length": 0.922, "foreign": 1.174, "density": -1.233,
    "emb": 11.928, "emb_rel": 11.206, "passage": 8.529, "passage_rel": 9.179, "emb_z": -0.069,
    "passage_z": 0.265, "emb_rank": 0.398, "passage_rank": 0.148, "sentence": 13.143,
    "sentence_rel": 14.855, "sentence_z": 0.192, "emb_best": -13.529, "offtopic_sim": -37.911,
    "offtopic_gap": 24.382, "breaker": 1.842,
}
SEMANTIC_BIAS = 14.129
SURE = 0.995
# Used only until the installed knowledge base's self-test is done.
DEFAULT_ANSWER, DEFAULT_SUGGEST, DEFAULT_MARGIN = 0.58, 0.17, 1.6
