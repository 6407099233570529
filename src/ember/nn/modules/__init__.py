"""The module classes of torch.nn, one family a file (each file's __all__ lists its classes)."""
from .module import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .container import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .rnn import *  # noqa: F401,F403
from .transformer import *  # noqa: F401,F403
from .flatten import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .pixelshuffle import *  # noqa: F401,F403

# == s7_nn_more: distance modules, 3-d pooling, lazy modules and more ========================
from .more import *  # noqa: F401,F403,E402
from .lazy import *  # noqa: F401,F403,E402
from .adaptive import *  # noqa: F401,F403,E402
