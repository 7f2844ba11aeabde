module apivideo/emulator

go 1.19
