# This folder is installed as the package `course_utils.sample_data` (see pyproject.toml),
# so that `pip install git+...` carries the offline MNIST sample along with the helpers.
