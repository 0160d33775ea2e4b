# What lesson 00's text concludes from its cells (tests/claims_runner.py says how this runs).

# %% cell 9: the window's left column minus its right column is the feature map's value there
assert left - right == feature_map_numpy[1, 2]
# %% cell 9: the right column is brighter, so the value is negative
assert feature_map_numpy[1, 2] < 0
