namespace ReliableKafka.Producing;

/// <summary>An int alone on its cache line, so two cores writing neighbours do not slow each other.</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
internal struct PaddedCounter
{
    [System.Runtime.InteropServices.FieldOffset(64)]
    public int Value;
}
