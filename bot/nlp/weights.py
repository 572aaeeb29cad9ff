"""Fitted constants of the confidence models. Written by `python -m bench.tune` (dev set only)."""

LEXICAL_WEIGHTS = {
    "cos": -1.354, "cont": -0.09, "union": -0.712, "covered": 0.381, "fuzz": 6.904,
    "partial": -0.164, "keyword": 1.439, "anchor": -0.494, "answer": 11.09, "bm25": 9.116,
    "pre_rank": 0.217, "missing": -2.3, "length": 3.041, "foreign": 0.886, "density": -1.8,
}
LEXICAL_BIAS = -4.787
SEMANTIC_WEIGHTS = {
    "cos": -2.808, "cont": 0.745, "union": -1.157, "covered": 1.266, "fuzz": 2.406,
    "partial": -0.301, "keyword": 0.616, "anchor": -0.381, "answer": 9.689, "bm25": 6.395,
    "pre_rank": -0.002, "missing": -1.885, "length": 0.968, "foreign": 1.547,
    "density": -1.078, "emb": 10.53, "emb_rel": 9.84, "passage": 6.663, "passage_rel": 7.21,
    "emb_z": -0.063, "passage_z": 0.3, "emb_rank": 0.396, "passage_rank": 0.189,
    "sentence": 11.582, "sentence_rel": 13.279, "sentence_z": 0.206, "emb_best": -13.682,
    "offtopic_sim": -37.192, "offtopic_gap": 23.51,
}
SEMANTIC_BIAS = 17.123
SURE = 0.999
# Used only until the installed knowledge base's self-test is done.
DEFAULT_ANSWER, DEFAULT_SUGGEST, DEFAULT_MARGIN = 0.62, 0.2, 1.4
