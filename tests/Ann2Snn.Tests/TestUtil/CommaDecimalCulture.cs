using System.Globalization;

namespace Ann2Snn.Tests.TestUtil;

/// <summary>
/// Makes the current culture one that writes <c>0,5</c> for one half and <c>1.000</c> for a thousand (as German does) until
/// disposed. Built from the invariant culture, since the build runs in globalization-invariant mode.
/// </summary>
internal sealed class CommaDecimalCulture : IDisposable
{
    private readonly CultureInfo _before = CultureInfo.CurrentCulture;

    public CommaDecimalCulture()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        culture.NumberFormat.NegativeSign = "\u2212";
        CultureInfo.CurrentCulture = culture;
    }

    public void Dispose() => CultureInfo.CurrentCulture = _before;
}
