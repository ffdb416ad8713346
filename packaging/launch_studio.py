"""The bundle's entry point: the same `main()` the `seedance-studio` launcher runs."""

from seedance_studio.app import main

raise SystemExit(main())
