namespace Ann2Snn.Analysis;

/// <summary>Every population's agreement and a warning per population where more than 1 % of the neurons saturate.</summary>
public sealed record AgreementReport(IReadOnlyList<PopulationAgreement> Populations, IReadOnlyList<string> Warnings);
