from needle.cli.main import main

main()
