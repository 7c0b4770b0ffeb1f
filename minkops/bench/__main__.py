from minkops.bench.cli import main

raise SystemExit(main())
