using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Nas.MLNet.Scoring;

namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>
/// The values behind the label's key type (its <c>KeyValues</c> annotation), kept so that a loaded model's
/// PredictedLabel maps back to the original labels with <c>MapKeyToValue</c>. Text and the primitive numeric types
/// are kept exactly.
/// </summary>
internal sealed class LabelKeyValues
{
    private static readonly (byte Code, DataViewType Type)[] Supported =
    [
        (1, TextDataViewType.Instance), (2, BooleanDataViewType.Instance), (3, NumberDataViewType.SByte), (4, NumberDataViewType.Byte),
        (5, NumberDataViewType.Int16), (6, NumberDataViewType.UInt16), (7, NumberDataViewType.Int32), (8, NumberDataViewType.UInt32),
        (9, NumberDataViewType.Int64), (10, NumberDataViewType.UInt64), (11, NumberDataViewType.Single), (12, NumberDataViewType.Double),
    ];

    private readonly Array values;

    private LabelKeyValues(DataViewType itemType, Array values)
    {
        ItemType = itemType;
        this.values = values;
    }

    /// <summary>The type of one value (e.g. UInt32 for digits mapped to keys, Text for class names).</summary>
    public DataViewType ItemType { get; }

    /// <summary>The number of values: the number of classes.</summary>
    public int Count => values.Length;

    /// <summary>Whether <paramref name="itemType"/> can be kept.</summary>
    public static bool IsSupported(DataViewType itemType) => Supported.Any(s => s.Type.Equals(itemType));

    /// <summary>Reads the KeyValues annotation of <paramref name="column"/>, or null when it has none.</summary>
    /// <exception cref="ArgumentException">The annotation's item type cannot be kept, or its length is not the key count.</exception>
    public static LabelKeyValues? From(DataViewSchema.Column column, int classCount)
    {
        var annotation = column.Annotations.Schema.GetColumnOrNull(AnnotationKinds.KeyValues);
        if (annotation is null)
        {
            return null;
        }
        if (annotation.Value.Type is not VectorDataViewType { ItemType: var itemType } || !IsSupported(itemType))
        {
            throw new ArgumentException(
                $"Label column '{column.Name}' has KeyValues of type {annotation.Value.Type}; a NAS model keeps text, boolean or numeric key values only.");
        }
        var read = typeof(LabelKeyValues).GetMethod(nameof(ReadAnnotation), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(itemType.RawType);
        var values = (Array)read.Invoke(null, [column])!;
        if (values.Length != classCount)
        {
            throw new ArgumentException($"Label column '{column.Name}' has {values.Length} KeyValues for a key of {classCount} values.");
        }
        return new LabelKeyValues(itemType, values);
    }

    /// <summary>The values as invariant text, one per class (the Score column's slot names).</summary>
    public string[] ToText() => values.Cast<object>().Select(v => v switch
    {
        ReadOnlyMemory<char> text => text.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    }).ToArray();

    /// <summary>Adds the values under <paramref name="kind"/> (e.g. <c>KeyValues</c>, <c>TrainingLabelValues</c>).</summary>
    public void AddTo(DataViewSchema.Annotations.Builder builder, string kind)
    {
        var add = typeof(LabelKeyValues).GetMethod(nameof(AddTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(ItemType.RawType);
        add.Invoke(this, [builder, kind]);
    }

    /// <summary>Writes the type code and the values.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(Supported.First(s => s.Type.Equals(ItemType)).Code);
        writer.Write(values.Length);
        foreach (object value in values)
        {
            switch (value)
            {
                case ReadOnlyMemory<char> text: writer.Write(text.ToString()); break;
                case bool b: writer.Write(b); break;
                case sbyte v: writer.Write(v); break;
                case byte v: writer.Write(v); break;
                case short v: writer.Write(v); break;
                case ushort v: writer.Write(v); break;
                case int v: writer.Write(v); break;
                case uint v: writer.Write(v); break;
                case long v: writer.Write(v); break;
                case ulong v: writer.Write(v); break;
                case float v: writer.Write(v); break;
                case double v: writer.Write(v); break;
                default: throw new InvalidOperationException($"Key value of type {value.GetType().Name} cannot be written.");
            }
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The type code is unknown or the count is negative.</exception>
    public static LabelKeyValues Read(BinaryReader reader)
    {
        byte code = reader.ReadByte();
        var type = Supported.FirstOrDefault(s => s.Code == code).Type
            ?? throw new InvalidDataException($"The saved label key values have an unknown type code {code}.");
        int count = reader.ReadInt32();
        if (count < 0)
        {
            throw new InvalidDataException($"The saved label key values have a negative count {count}.");
        }
        var values = Array.CreateInstance(type.RawType, count);
        for (int i = 0; i < count; i++)
        {
            values.SetValue(code switch
            {
                1 => (object)reader.ReadString().AsMemory(),
                2 => reader.ReadBoolean(),
                3 => reader.ReadSByte(),
                4 => reader.ReadByte(),
                5 => reader.ReadInt16(),
                6 => reader.ReadUInt16(),
                7 => reader.ReadInt32(),
                8 => reader.ReadUInt32(),
                9 => reader.ReadInt64(),
                10 => reader.ReadUInt64(),
                11 => reader.ReadSingle(),
                _ => reader.ReadDouble(),
            }, i);
        }
        return new LabelKeyValues(type, values);
    }

    private static T[] ReadAnnotation<T>(DataViewSchema.Column column)
    {
        VBuffer<T> buffer = default;
        column.Annotations.GetValue(AnnotationKinds.KeyValues, ref buffer);
        return buffer.DenseValues().ToArray();
    }

    private void AddTyped<T>(DataViewSchema.Annotations.Builder builder, string kind)
    {
        var typed = (T[])values;
        builder.Add(kind, new VectorDataViewType((PrimitiveDataViewType)ItemType, typed.Length),
            (ref VBuffer<T> value) => value = new VBuffer<T>(typed.Length, (T[])typed.Clone()));
    }
}
