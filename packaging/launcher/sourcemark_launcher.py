"""The frozen build's entry script: PyInstaller starts here (see packaging/sourcemark.spec).

It lives in a folder of its own so that PyInstaller, which searches the script's folder
first, finds the installed `sourcemark` package and nothing else from this repository.
"""

import sys

from sourcemark.__main__ import main

sys.exit(main())
