namespace Ann2Snn.Tests;
