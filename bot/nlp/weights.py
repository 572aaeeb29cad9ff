"""Fitted constants of the confidence models. Written by `python -m bench.tune` (dev set only)."""

LEXICAL_WEIGHTS = {
    "cos": -0.328, "cont": -0.635, "union": 0.289, "covered": -0.058, "fuzz": 6.696,
    "partial": -0.148, "keyword": 1.479, "anchor": -0.12, "answer": 12.434, "bm25": 7.701,
    "pre_rank": 0.246, "missing": -2.355, "length": 3.258, "foreign": 0.723, "density": -1.472,
}
LEXICAL_BIAS = -4.915
SEMANTIC_WEIGHTS = {
    "cos": -2.652, "cont": 0.862, "union": -0.203, "covered": 0.391, "fuzz": 2.247,
    "partial": -0.556, "keyword": 0.844, "anchor": -0.159, "answer": 8.928, "bm25": 5.568,
    "pre_rank": 0.012, "missing": -2.043, "length": 0.989, "foreign": 1.266, "density": -1.204,
    "emb": 10.962, "emb_rel": 10.298, "passage": 8.824, "passage_rel": 9.496, "emb_z": -0.021,
    "passage_z": 0.279, "emb_rank": 0.319, "passage_rank": 0.12, "sentence": 11.301,
    "sentence_rel": 12.772, "sentence_z": 0.205, "emb_best": -12.889, "offtopic_sim": -36.372,
    "offtopic_gap": 23.483,
}
SEMANTIC_BIAS = 14.138
SURE = 0.995
# Used only until the installed knowledge base's self-test is done.
DEFAULT_ANSWER, DEFAULT_SUGGEST, DEFAULT_MARGIN = 0.58, 0.17, 1.6
