from treem.cli import main

main()
