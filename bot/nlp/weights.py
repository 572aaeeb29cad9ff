"""Fitted constants of the confidence models. Written by `python -m bench.tune` (dev set only)."""

LEXICAL_WEIGHTS = {
    "cos": -1.269, "cont": -0.242, "union": 2.533, "covered": -0.617, "fuzz": 7.484,
    "partial": -0.104, "keyword": 0.759, "anchor": -0.184, "answer": 11.772, "bm25": 7.411,
    "pre_rank": 0.324, "missing": -2.543, "length": 3.793, "foreign": 0.738, "density": -1.833,
}
LEXICAL_BIAS = -5.267
SEMANTIC_WEIGHTS = {
    "cos": -2.321, "cont": 0.522, "union": 0.377, "covered": -0.385, "fuzz": 3.086,
    "partial": -0.508, "keyword": 0.341, "anchor": 0.03, "answer": 7.068, "bm25": 5.27,
    "pre_rank": -0.02, "missing": -2.309, "length": 0.858, "foreign": 1.241, "density": -1.418,
    "emb": 5.665, "emb_rel": 4.568, "passage": 7.456, "passage_rel": 7.842, "emb_z": 0.0,
    "passage_z": 0.304, "emb_rank": 0.183, "passage_rank": 0.07, "sentence": 11.066,
    "sentence_rel": 12.297, "sentence_z": 0.183, "emb_best": -10.974, "offtopic_sim": -30.105,
    "offtopic_gap": 19.132, "breaker": 4.509, "use": 1.59, "use_rel": 1.706,
    "use_passage": 3.74, "use_passage_rel": 5.896, "use_off": -6.025, "use_off_gap": -0.719,
}
SEMANTIC_BIAS = 15.113
SURE = 0.999
# Used only until the installed knowledge base's self-test is done.
DEFAULT_ANSWER, DEFAULT_SUGGEST, DEFAULT_MARGIN = 0.51, 0.19, 1.5
