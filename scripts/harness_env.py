"""The environment notebooks run in under test, shared by conftest.py and `make execute`.

Stored outputs are produced by `make execute` and compared by nbval, so both must give the
kernel the same environment:

* ``COURSE_MNIST_SOURCE=sample``: notebooks check their outputs against the MNIST sample that
  ships with the course, whatever the machine's network or Keras cache holds (a learner in
  JupyterLab gets ``load_mnist(source="auto")``'s own choice).
* ``MPLBACKEND``: the inline backend inside kernels; Agg for unit tests (see conftest.py).
* TensorFlow quiet and without oneDNN for unit tests that import it directly.
"""

from __future__ import annotations

from collections.abc import MutableMapping

TEST_ENVIRONMENT = {
    "COURSE_MNIST_SOURCE": "sample",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "PYTHONHASHSEED": "0",
}


def apply_test_environment(environ: MutableMapping[str, str]) -> None:
    environ.update(TEST_ENVIRONMENT)
