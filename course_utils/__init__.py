"""course_utils: the helpers behind the 'How a Conv2D layer works' course.

Modules, named by what they hold:

* ``validation``  generic input checks and ``describe`` (imports nothing from the package).
* ``arithmetic``  shape, parameter and cost arithmetic: the one output-size formula, the one
                  padding resolver, counts of parameters, multiplications and pixel uses.
* ``prepare``     argument preparation for ``ops`` (checks, resolved padding, output sizes).
* ``ops``         NumPy reference operations (convolution, pooling, transposed convolution,
                  im2col, the convolution as a matrix).
* ``data``        offline MNIST and every small teaching array of the lessons.
* ``plots``       figures the lessons draw; ``animations`` the GIFs and ``show_gif``.
* ``exercises``   self-checking "Check yourself" questions (a package: placeholder,
                  answers, checkers, exercise), one module per lesson.
* ``notebook_setup``  the setup every lesson's first cell runs.
* ``colab``       the repository slug, every address built from it, and ``in_colab``.

Imports go one way: validation -> arithmetic -> prepare -> ops -> plots / animations; data,
colab and notebook_setup sit beside them (tests/test_structure.py checks it).

Importing this package does not import TensorFlow: the setup cell must be able to configure
TensorFlow's logging before TensorFlow is loaded.
"""

from .animations import CONV_GIF, TRANSPOSED_GIF, show_gif
from .arithmetic import *
from .backward import *
from .colab import *
from .data import *
from .notebook_setup import *
from .ops import *
from .plots import *

__version__ = "0.1.0"
