from minkops.cli import main

raise SystemExit(main())
