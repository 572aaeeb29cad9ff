"""Fitted constants of the direct-answer check. Written by `python -m bench.direct_check` (dev set only)."""

CHECK_WEIGHTS: dict[str, float] = {
    "cos": -4.6514, "cont": -0.1121, "union": 0.498, "covered": 2.7685, "fuzz": 2.4046,
    "partial": 0.644, "keyword": 0.6913, "anchor": -0.4326, "answer": 4.7644, "bm25": 3.6949,
    "pre_rank": -0.1954, "missing": -2.772, "length": 1.1277, "foreign": 0.5634,
    "density": -0.3747, "emb": 1.4396, "emb_rel": 24.7956, "passage": -31.743,
    "passage_rel": 41.9103, "emb_z": 0.4331, "passage_z": 0.9507, "emb_rank": -1.045,
    "passage_rank": -0.5338, "sentence": 67.5604, "sentence_rel": 43.736,
    "sentence_z": -0.5148, "emb_best": 7.035, "offtopic_sim": 4.0921, "offtopic_gap": 4.9511,
    "breaker": 1.7032, "use": -4.3927, "use_rel": 6.5816, "use_passage": 2.4791,
    "use_passage_rel": -16.6444, "use_off": 6.504, "use_off_gap": 8.1232, "near_off": -47.1981,
    "use_near_off": -5.4604,
}
CHECK_BIAS = 0.5201
CHECK_FLOOR = 1.1227
