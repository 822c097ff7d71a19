from queueapp.cli.main import main

main()
