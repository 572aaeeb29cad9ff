"""Fitted constants of the direct-answer check. Written by `python -m bench.direct_check` (dev set only)."""

CHECK_WEIGHTS: dict[str, float] = {
    "cos": -6.989, "cont": 0.9044, "union": 1.5288, "covered": 3.5558, "fuzz": 3.3136,
    "partial": 0.5554, "keyword": 0.2812, "anchor": -0.8043, "answer": 5.2949, "bm25": 5.2077,
    "pre_rank": -0.5769, "missing": -3.0059, "length": 1.4799, "foreign": 0.6252,
    "density": -0.4564, "emb": -20.5414, "emb_rel": 19.1727, "passage": -35.747,
    "passage_rel": 95.0178, "emb_z": 0.6065, "passage_z": 1.1957, "emb_rank": -0.9364,
    "passage_rank": -1.6001, "sentence": 67.3989, "sentence_rel": 63.5064,
    "sentence_z": -0.8731, "emb_best": 14.7245, "offtopic_sim": -3.5298,
    "offtopic_gap": 14.1246, "breaker": 2.3331, "use": -6.5242, "use_rel": 10.6693,
    "use_passage": 2.2535, "use_passage_rel": -9.8663, "use_off": 5.0562,
    "use_off_gap": 7.4517,
}
CHECK_BIAS = -19.9931
CHECK_FLOOR = 1.0477
