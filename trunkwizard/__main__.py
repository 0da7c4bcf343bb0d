from trunkwizard.cli import main

raise SystemExit(main())
