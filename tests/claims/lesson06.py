# What lesson 06's text concludes from its cells (tests/claims_runner.py says how this runs).
# Cell numbers are the notebook's cell indices (0-based, markdown cells counted).

# %% cell 86: a positive tie is almost always blank background
assert (positive_ties & blank).sum() > 0.9 * positive_ties.sum() > 1000, positive_ties.sum()
# %% cell 86: which tied maximum gets the gradient changes dL/dK and dL/db by rounding only
for new, old in zip(tie_grads["the last maximum"], first, strict=True):
    assert relative_error(new.astype(float), old.astype(float)) < 1e-6
# %% cell 86: giving it to every tied maximum changes dL/db by about a third, dL/dK too
every = [relative_error(new.astype(float), old.astype(float))
         for new, old in zip(tie_grads["every tied maximum"], first, strict=True)]
assert every[0] > 0.01 and 0.25 < every[1] < 0.45, every
