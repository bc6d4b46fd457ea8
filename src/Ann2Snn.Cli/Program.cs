using Ann2Snn.Cli;

return CliApp.Run(args);
