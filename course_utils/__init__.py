"""course_utils: the helpers behind the 'How a Conv2D layer works' course.

Modules, named by what they hold:

* ``ops``         NumPy reference operations (convolution, pooling, transposed convolution,
                  im2col, the convolution as a matrix).
* ``arithmetic``  shape, parameter and cost arithmetic (output sizes, padding, counts).
* ``validation``  the input checks every public function shares.
* ``data``        offline MNIST and the small teaching arrays of the lessons.
* ``plots``       figures the lessons draw; ``animations`` the GIFs.
* ``exercises``   self-checking "Check yourself" questions, one module per lesson.
* ``notebook_setup``  the setup every lesson's first cell runs.
* ``colab``       the repository slug and the Colab badges built from it.

Importing this package does not import TensorFlow: the setup cell must be able to configure
TensorFlow's logging before TensorFlow is loaded.
"""

from .arithmetic import *
from .colab import *
from .data import *
from .notebook_setup import *
from .ops import *
from .plots import *

__version__ = "0.1.0"
